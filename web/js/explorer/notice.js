// What the static page says about itself: the browser computes and trains
// here; where to train with MXNet instead (Binder, or the reader's own
// computer).

import { BROWSER, WORDS } from "../lenet_contract.js";
import { element } from "../lenet_dom.js";
import { fill } from "../lenet_format.js";

export function staticNotice(trainsHere) {
  // The book's Sphinx extension puts the page's Binder link in a meta tag
  // when it knows the repository (book/_ext/repository_links.py).
  const binder = document.querySelector('meta[name="book-binder-url"]');
  const { train_size: train, test_size: test } = BROWSER;
  const notice = element("div", { class: "lenet-notice lenet-static-notice" },
                         WORDS.static_notice, " ",
                         trainsHere ? fill(WORDS.browser_train_size, { train, test })
                           : WORDS.no_browser_engine, " ");
  const yourself = element("a", { href: WORDS.help_url, text: "“关于本书”一页的说明" });
  if (binder) {
    notice.append("用 MXNet 训练，请", element("a", { href: binder.content, target: "_blank",
                                              rel: "noopener", text: "在 Binder 上打开本页" }),
                  "，或者按", yourself, "在自己的电脑上运行本页。");
  } else {
    notice.append("用 MXNet 训练，请按", yourself, "在自己的电脑上运行本页。");
  }
  return notice;
}

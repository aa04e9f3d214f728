// What a phone reader cannot reach: run in a page (Playwright's evaluate) at
// a phone's width.  Returns whether the page itself scrolls sideways and
// every visible element that sticks out of an ancestor that clips it and
// cannot scroll (or out of the page), described by its tag, classes and text.
() => {
  const viewport = document.documentElement.clientWidth;
  const describe = (el) => {
    const classes = typeof el.className === "string" && el.className
      ? "." + el.className.trim().split(/\s+/).slice(0, 3).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${classes}${el.id ? "#" + el.id : ""} "${text}"`;
  };
  const cut = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    // Screen-reader-only text (MathJax's assistive MathML among it) is
    // clipped to 1 px on purpose.
    const style = getComputedStyle(el);
    if (el.closest("mjx-assistive-mml, .visually-hidden, .sr-only")) continue;
    if (style.position === "absolute" && style.clip !== "auto") continue;
    // The nearest ancestor that clips decides: inside it, the element is
    // as reachable as that ancestor (checked on its own turn); sticking out
    // of it, the element is cut unless the ancestor scrolls.
    let clipper = null;
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") { clipper = up; break; }
    }
    if (clipper) {
      const s = getComputedStyle(clipper);
      const edge = clipper.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) {
        const scrolls = (s.overflowX === "auto" || s.overflowX === "scroll")
          && clipper.scrollWidth > clipper.clientWidth;
        if (!scrolls) cut.push(`${describe(el)} cut by ${describe(clipper)}`);
      }
    } else if (box.right > viewport + 1 || box.left < -1) {
      const fixed = style.position === "fixed";
      if (!fixed) cut.push(`${describe(el)} outside the page (${Math.round(box.left)}..${Math.round(box.right)} of ${viewport})`);
    }
  }
  return {
    pageScrollsSideways: document.scrollingElement.scrollWidth > viewport + 1,
    cut,
  };
}

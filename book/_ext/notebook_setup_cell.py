# 本笔记本来自《动手学深度学习》5.5 节 LeNet 的交互版（@BOOK_ORIGIN@）。
# 在本书的仓库之外运行时（Kaggle、ModelScope、自己的 Jupyter），这一格先把
# 各页用的 lenet 包连同固定版本的依赖装好；lenet 已经能导入时什么也不做。
import importlib.util

if importlib.util.find_spec("lenet") is None:
    import pathlib
    import platform
    import shutil
    import subprocess
    import sys

    # 构建本书时的仓库和提交：装上的正是这一版的 lenet。
    BOOK_SOURCE = "@BOOK_SOURCE@"
    # 本书的文件放在当前文件夹下的这个子文件夹里。
    BOOK_FOLDER = pathlib.Path("lenet-book")

    def _cannot(reason):
        # 说清原因和办法，不给一长串报错。
        raise SystemExit("没法在这里运行本书的代码：" + reason)

    if not BOOK_SOURCE:
        _cannot("构建这个网页时没有找到本书的仓库。请在本书的仓库里运行，"
                "或者打开网页版。")
    if sys.version_info[:2] > (3, 11):
        _cannot(f"这里是 Python {platform.python_version()}，本书用的 "
                "MXNet 1.9.1 需要 Python 3.11 或更早（numpy 1.23.5 没有更新的"
                "版本）。请换用 Python 3.11 的环境。")
    if sys.platform == "win32" or (sys.platform == "darwin"
                                   and platform.machine() == "arm64"):
        _cannot("MXNet 1.9.1 没有 Windows 或 Apple 芯片 Mac 的安装包。请用 "
                "WSL 2、x86-64 的 Python（Rosetta）、Docker，或者打开网页版。")
    if shutil.which("git") is None:
        _cannot("这里没有 git，装不了本书的 lenet 包。请先安装 git。")

    def _pip(*arguments):
        done = subprocess.run([sys.executable, "-m", "pip", "install",
                               "--quiet", *arguments],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            _cannot("pip 没能装好（上面是它最后的输出）。请检查网络后重新"
                    "运行这一格。")

    print("第一次运行：正在安装本书的 lenet 包和它的依赖（MXNet 等），"
          "需要几分钟……")
    _pip("--src", str(BOOK_FOLDER), "--editable",
         f"git+{BOOK_SOURCE}#egg=lenet-d2l-zh")
    _book = BOOK_FOLDER / "lenet-d2l-zh"
    _pip("--requirement", str(_book / "book" / "requirements.txt"))
    # 已经在运行的内核还不知道刚装的 lenet：重读安装目录里的 .pth 文件。
    import site
    import sysconfig

    site.addsitedir(sysconfig.get_paths()["purelib"])
    importlib.invalidate_caches()
    print(f"装好了：本书的文件在 {_book}，之后再运行就不用再装。")

#!/usr/bin/env bash
# Installs what pip cannot, from Debian's packages when run as root:
#   fonts     a CJK font, so PDFs show Chinese instead of empty boxes (make run, make test)
#   chromium  the browser the end-to-end tests drive with Playwright (make test)
set -u

missing=()
for need in "$@"; do
    case "$need" in
        fonts)
            command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ] \
                || missing+=(fonts-noto-cjk fontconfig) ;;
        chromium)
            [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统软件包：${missing[*]} …"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
        || echo "警告：${missing[*]} 安装失败（中文 PDF 或浏览器测试可能无法运行）。" >&2
else
    echo "提示：请安装 ${missing[*]}（Debian/Ubuntu: sudo apt-get install ${missing[*]}）。" >&2
fi
exit 0

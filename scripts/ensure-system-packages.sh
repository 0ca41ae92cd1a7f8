#!/usr/bin/env bash
# Installs what pip cannot: a CJK font so PDFs show Chinese instead of empty boxes.
set -u
if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装中文字体 fonts-noto-cjk（生成 PDF 所需）…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null) \
        || echo "警告：中文字体安装失败，PDF 中的中文可能无法显示。" >&2
else
    echo "提示：未找到中文字体。请安装 fonts-noto-cjk（Debian/Ubuntu: sudo apt-get install fonts-noto-cjk），否则 PDF 中文无法显示。" >&2
fi
exit 0

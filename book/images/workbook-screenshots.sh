#!/bin/bash
# Screenshots of the authoring workbook as LibreOffice Calc shows it, for book/updating.md.
# Needs Debian's libreoffice-calc, xvfb, xdotool and imagemagick; run from the repository root:
#   bash book/images/workbook-screenshots.sh
# Each shot opens a copy of the workbook (a new file name every time: Calc remembers the view
# of a file it has opened before) with one sheet and cell active, then presses keys or moves
# the mouse, and saves the window.
set -euo pipefail
OUT=book/images
WORK=$(mktemp -d)
DISPLAY_NUMBER=:97
.venv/bin/peerwork-review workbook --out "$WORK/workbook.xlsx" >/dev/null
Xvfb $DISPLAY_NUMBER -screen 0 1400x800x24 >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB; rm -rf "$WORK"' EXIT
export DISPLAY=$DISPLAY_NUMBER
PROFILE="file://$WORK/profile"

shot() {  # name sheet cell "actions" [crop geometry]
    .venv/bin/python - "$WORK/workbook.xlsx" "$WORK/$1.xlsx" "$2" "$3" <<'EOF'
import sys, openpyxl
src, dst, sheet, cell = sys.argv[1:]
wb = openpyxl.load_workbook(src)
wb.active = wb.sheetnames.index(sheet)
for ws in wb.worksheets:
    ws.sheet_view.tabSelected = ws.title == sheet
wb[sheet].sheet_view.selection[-1].activeCell = wb[sheet].sheet_view.selection[-1].sqref = cell
wb.save(dst)
EOF
    soffice --norestore "-env:UserInstallation=$PROFILE" --calc "$WORK/$1.xlsx" >/dev/null 2>&1 &
    local window=""
    for _ in $(seq 1 60); do
        sleep 0.5
        window=$(xdotool search --name "$1.xlsx - LibreOffice Calc" 2>/dev/null | head -1) && [ -n "$window" ] && break
    done
    sleep 3
    xdotool key --window "$window" Escape  # the first start's tip of the day
    xdotool windowsize --sync "$window" 1400 800 windowmove --sync "$window" 0 0
    sleep 1
    eval "$4"
    sleep 1.5
    import -window root -crop "${5:-1400x800+0+0}" +repage "$WORK/$1.png"
    convert "$WORK/$1.png" -resize '1000x>' -strip +dither -colors 256 "$OUT/$1.png"
    xdotool key --window "$window" Escape
    xdotool key --window "$window" ctrl+q
    for _ in $(seq 1 20); do sleep 0.5; pgrep -f "$WORK/profile" >/dev/null || break; done
}

shot warm-up "read me" A1 "true"  # a new profile's first start shows a welcome bar; later starts do not
rm "$OUT/warm-up.png"
shot workbook-header-note studies C18 "xdotool mousemove 470 133; sleep 2; xdotool mousemove 468 134" 840x330+0+78
shot workbook-design-list studies C18 "xdotool key alt+Down" 840x470+0+78
shot workbook-prisma-flow-guide "PRISMA flow guide" A1 "true" 680x600+0+110

#!/usr/bin/env bash
# Regenerates the real media the provider emulators hand out as task results (Sources/SeedGateEmulators/Shared/
# EmulatorMedia.swift serves them) and writes them, base64, into the generated Swift source
# Sources/SeedGateEmulators/Shared/EmulatorMediaData.swift, so no file is looked up at run time.
#
#   ./scripts/make-emulator-media.sh              regenerate and rewrite EmulatorMediaData.swift
#   ./scripts/make-emulator-media.sh --check      regenerate and fail if the committed EmulatorMediaData.swift differs
#   ./scripts/make-emulator-media.sh --keep DIR   also leave the media files in DIR (to play or inspect them)
#
# For each ratio the Seedance models use (16:9, 9:16, 1:1, 4:3, 3:4, 21:9; "adaptive" and unknown ratios are served
# as 16:9) it makes, from ffmpeg's testsrc2 pattern:
#   <ratio>.mp4   H.264 (High, yuv420p), 2 s at 12 fps, CRF 40 veryslow, moov first (+faststart), no audio
#   <ratio>.mov   the same H.264 stream in a QuickTime container (Seedance 2.5 `output_format: mov`)
#   <ratio>.png   the video's last frame, RGB PNG, the video's pixel size (Ark's `last_frame_url`)
#   <ratio>.jpeg  the same last frame as a baseline JPEG (Seedance 2.5's last frame)
# at a tiny size of roughly that ratio (even sides, as yuv420p needs): 64x36, 36x64, 48x48, 64x48, 48x64, 84x36.
#
# Deterministic for a given ffmpeg/x264 build: bit-exact muxing and encoding, no metadata, one encoder thread (x264's
# output depends on the thread count), and x264's SEI (which records its version and options) removed. Every file is
# checked with ffprobe (codec, pixel size, duration, frame count) and decoded once with ffmpeg before it is written.
# Needs ffmpeg and ffprobe (Debian: apt-get install -y ffmpeg), base64, md5sum and sha256sum; installs nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target="$root/Sources/SeedGateEmulators/Shared/EmulatorMediaData.swift"
say() { echo "make-emulator-media: $*" >&2; }

mode=write
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --check) mode=check ;;
        --keep)
            [ $# -ge 2 ] || { say "--keep needs a directory"; exit 2; }
            keep="$2"
            shift
            ;;
        -h | --help)
            sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            say "unknown argument: $1 (see --help)"
            exit 2
            ;;
    esac
    shift
done

missing=()
for tool in ffmpeg ffprobe base64 md5sum sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "missing tools: ${missing[*]} (ffmpeg and ffprobe: apt-get install -y ffmpeg)"
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/emulator-media.XXXXXX")
trap 'rm -rf "$work"' EXIT

fps=12
seconds=2
frames=$((fps * seconds))
# name width height: the file name stem is the ratio with "x" for ":".
ratios=("16x9 64 36" "9x16 36 64" "1x1 48 48" "4x3 64 48" "3x4 48 64" "21x9 84 36")
quiet=(-hide_banner -loglevel error -nostdin -y)
exact=(-map_metadata -1 -fflags +bitexact)

# probe FILE ENTRIES: one "key=value" per line for the first stream and the container.
probe() {
    ffprobe -v error -select_streams v:0 -show_entries "$2" -of default=noprint_wrappers=1 "$1"
}

# expect FILE WHAT ACTUAL WANTED
expect() {
    if [ "$3" != "$4" ]; then
        say "$1: $2 is '$3', expected '$4'"
        exit 1
    fi
}

for entry in "${ratios[@]}"; do
    read -r name width height <<<"$entry"
    video="$work/$name.mp4"
    ffmpeg "${quiet[@]}" -f lavfi -i "testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}" "${exact[@]}" -an \
        -c:v libx264 -preset veryslow -crf 40 -pix_fmt yuv420p -threads 1 -flags:v +bitexact \
        -bsf:v filter_units=remove_types=6 -movflags +faststart -f mp4 "$video"
    ffmpeg "${quiet[@]}" -i "$video" "${exact[@]}" -c copy -movflags +faststart -f mov "$work/$name.mov"
    last="select=eq(n\\,$((frames - 1)))"
    ffmpeg "${quiet[@]}" -i "$video" "${exact[@]}" -vf "$last" -frames:v 1 -flags +bitexact \
        -c:v png -pix_fmt rgb24 -f image2 "$work/$name.png"
    ffmpeg "${quiet[@]}" -i "$video" "${exact[@]}" -vf "$last" -frames:v 1 -flags +bitexact \
        -c:v mjpeg -q:v 3 -pix_fmt yuvj420p -f image2 "$work/$name.jpeg"

    for kind in mp4 mov png jpeg; do
        file="$work/$name.$kind"
        info=$(probe "$file" stream=codec_name,width,height)
        codec=$(sed -n 's/^codec_name=//p' <<<"$info")
        expect "$name.$kind" width "$(sed -n 's/^width=//p' <<<"$info")" "$width"
        expect "$name.$kind" height "$(sed -n 's/^height=//p' <<<"$info")" "$height"
        case "$kind" in
            mp4 | mov)
                expect "$name.$kind" codec "$codec" h264
                expect "$name.$kind" frames "$(probe "$file" stream=nb_frames | sed 's/^nb_frames=//')" "$frames"
                expect "$name.$kind" duration "$(probe "$file" format=duration | sed 's/^duration=//')" "$seconds.000000"
                brand=$(ffprobe -v error -show_entries format_tags=major_brand -of default=noprint_wrappers=1:nokey=1 "$file")
                expect "$name.$kind" "major brand" "$brand" "$([ "$kind" = mp4 ] && echo isom || echo 'qt  ')"
                ;;
            png) expect "$name.$kind" codec "$codec" png ;;
            jpeg) expect "$name.$kind" codec "$codec" mjpeg ;;
        esac
        if [ -n "$(ffmpeg -v error -nostdin -i "$file" -f null - 2>&1)" ]; then
            say "$name.$kind does not decode cleanly"
            exit 1
        fi
    done
done

ffmpeg_version=$(ffmpeg -version | sed -n '1s/^ffmpeg version \([^ ]*\).*/\1/p')
generated="$work/EmulatorMediaData.swift"
{
    echo "// swift-format-ignore-file"
    echo "// GENERATED by scripts/make-emulator-media.sh from ffmpeg's testsrc2 (ffmpeg $ffmpeg_version, libx264): do not edit"
    echo "// by hand. Run the script again to change the media; \`--check\` verifies this file matches what it makes."
    echo
    echo "/// The bytes of the emulators' result files (\`EmulatorMedia\`), base64, with the pixel size, MD5 and SHA-256 of each."
    echo "enum EmulatorMediaData {"
    echo "    static let files: [EmulatorMediaFile] = ["
    for entry in "${ratios[@]}"; do
        read -r name width height <<<"$entry"
        for kind in mp4 mov png jpeg; do
            file="$work/$name.$kind"
            md5=$(md5sum "$file" | cut -d' ' -f1)
            sha256=$(sha256sum "$file" | cut -d' ' -f1)
            echo "        EmulatorMediaFile("
            echo "            name: \"$name.$kind\", width: $width, height: $height, byteCount: $(wc -c <"$file"),"
            echo "            md5: \"$md5\","
            echo "            sha256: \"$sha256\","
            echo "            base64: \"\"\""
            base64 -w 100 "$file" | sed 's/^/                /'
            echo "                \"\"\""
            echo "        ),"
        done
    done
    echo "    ]"
    echo "}"
} >"$generated"

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    for entry in "${ratios[@]}"; do
        read -r name _ _ <<<"$entry"
        cp "$work/$name".{mp4,mov,png,jpeg} "$keep/"
    done
    say "media files left in $keep"
fi

for entry in "${ratios[@]}"; do
    read -r name _ _ <<<"$entry"
    for kind in mp4 mov png jpeg; do
        file="$work/$name.$kind"
        summary=$(probe "$file" stream=codec_name,width,height | paste -sd' ')
        say "$(printf '%-11s %5d bytes  %s' "$name.$kind" "$(wc -c <"$file")" "$summary")"
    done
done

if [ "$mode" = check ]; then
    if ! cmp -s "$generated" "$target"; then
        say "$target differs from what this script makes (run it without --check)"
        diff -u "$target" "$generated" | head -40 >&2 || true
        exit 1
    fi
    say "EmulatorMediaData.swift matches"
else
    cp "$generated" "$target"
    say "wrote $target"
fi

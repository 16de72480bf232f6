"""The browser-test helpers themselves (no browser needed)."""

import pytest

from ravao import testing_browser
from ravao.gate.tests.conftest import CCCD


def test_the_fake_camera_video_shows_a_readable_qr_code(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    path = testing_browser.write_qr_y4m(CCCD, tmp_path / "card.y4m", width=320, height=240, frames=2)
    data = path.read_bytes()
    header, _, rest = data.partition(b"\n")
    assert header == b"YUV4MPEG2 W320 H240 F10:1 Ip A1:1 C420jpeg"
    frame = 320 * 240 * 3 // 2
    assert rest.count(b"FRAME\n") >= 2 and len(rest) == 2 * (len(b"FRAME\n") + frame)
    luma = rest[len(b"FRAME\n") : len(b"FRAME\n") + 320 * 240]
    [found] = zxingcpp.read_barcodes(Image.frombytes("L", (320, 240), luma))
    assert found.text == CCCD


def test_the_fake_camera_flags_name_the_file(tmp_path):
    flags = testing_browser.fake_camera_args(tmp_path / "v.y4m")
    assert "--use-fake-device-for-media-stream" in flags and "--use-fake-ui-for-media-stream" in flags
    assert f"--use-file-for-fake-video-capture={tmp_path / 'v.y4m'}" in flags

"""The gallery example. liveactor.testing has no file uploads of its own, so these tests check the
page around them and the image route; tests/pybridge/e2e/gallery.test.mjs uploads images in a
browser (previews, progress, the grid)."""

import os

import pytest

from gallery.app import gallery_dir
from liveactor import http

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture
def stored():
    """One image in the gallery folder, gone afterwards."""
    path = os.path.join(gallery_dir(), "0" * 32 + ".png")
    with open(path, "wb") as f:
        f.write(PNG)
    yield os.path.basename(path)
    if os.path.exists(path):
        os.remove(path)


async def test_the_upload_input_and_its_drop_target(live):
    view = await live("/gallery")
    [picker] = view.find("input[type=file]")
    assert picker.get("accept") == ".jpg,.jpeg,.png,.gif,.webp"
    assert picker.get("multiple") is not None
    assert view.has_element("#dropzone[phx-drop-target='%s']" % picker.get("id"))
    assert view.has_element("#count", text="0 images in the gallery")


async def test_stored_images_are_in_the_grid_and_clear_empties_it(live, stored):
    view = await live("/gallery")
    assert view.has_element("#grid img[src='/gallery/image?name=%s']" % stored)
    await view.click("#clear")
    assert not view.has_element("#grid img")
    assert not os.path.exists(os.path.join(gallery_dir(), stored))


def get(target):
    status, headers, body = http.dispatch("GET", target, {}, b"", b"k" * 32)
    return status, dict(headers), body


def test_the_image_route_serves_gallery_files_only(stored):
    assert get("/gallery/image?name=" + stored)[::2] == (200, PNG)
    assert get("/gallery/image?name=" + stored)[1]["content-type"] == "image/png"
    for name in ["../app.py", "..%2Fapp.py", "/etc/passwd", "app.py", "", "0" * 32 + ".txt"]:
        assert get("/gallery/image?name=" + name)[0] == 404, name

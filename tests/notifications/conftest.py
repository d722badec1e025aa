import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The receipt PDF attached to the e-mail is rendered into a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DVC_PUBLIC_URL = "https://dichvucong.haugiang.gov.vn"
    return settings.MEDIA_ROOT

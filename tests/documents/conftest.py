import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated PDFs and uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DVC_PUBLIC_URL = "https://dichvucong.haugiang.gov.vn"
    return settings.MEDIA_ROOT

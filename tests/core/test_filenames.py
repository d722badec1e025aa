import pytest

from dichvucong.core.filenames import clean_file_name

RLO, LRI, PDI, ZWSP = "\u202e", "\u2066", "\u2069", "\u200b"


@pytest.mark.parametrize(
    ("uploaded", "extension", "kept"),
    [
        # The attack: shown as "hosofdp.exe"; the override goes, the type's extension stays.
        (f"hoso{RLO}exe.pdf", "pdf", "hosoexe.pdf"),
        (f"hoso{RLO}fdp.exe", "pdf", "hosofdp.pdf"),
        # A name that is only an extension, and one that lies about the content.
        (".html", "pdf", "tep.pdf"),
        ("to-khai.html", "pdf", "to-khai.pdf"),
        ("bao-cao.pdf.exe", "pdf", "bao-cao.pdf.pdf"),
        # What the person wrote is kept when it already says the type.
        ("Giấy khai sinh.PDF", "pdf", "Giấy khai sinh.PDF"),
        ("ảnh chụp.jpeg", "jpg", "ảnh chụp.jpeg"),
        ("don.bin", "docx", "don.docx"),
        ("anh", "png", "anh.png"),
        # Directories, controls, isolates, zero-width characters, line breaks.
        ("C:\\Users\\an\\cccd.pdf", "pdf", "cccd.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        (f"a{ZWSP}b{LRI}c{PDI}\x00\x1b.pdf", "pdf", "abc.pdf"),
        ("báo cáo\r\nlần 2.pdf", "pdf", "báo cáo lần 2.pdf"),
        (f"{RLO} . ", "pdf", "tep.pdf"),
        ("", "png", "tep.png"),
    ],
)
def test_a_name_keeps_only_what_shows_and_ends_in_the_detected_type(uploaded, extension, kept):
    assert clean_file_name(uploaded, extension=extension) == kept


def test_without_a_type_the_written_extension_stays_and_controls_still_go():
    assert clean_file_name(f"Tờ khai{RLO}.docx") == "Tờ khai.docx"
    assert clean_file_name("") == "tep"


def test_a_long_name_keeps_its_extension_within_255_characters():
    kept = clean_file_name("đ" * 400 + ".html", extension="pdf")

    assert len(kept) == 255
    assert kept.endswith("đ.pdf")

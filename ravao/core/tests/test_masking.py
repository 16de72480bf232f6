"""The one masked name (ravao/core/masking.py): venues, gates and personal QR codes show it."""

from ravao.core.masking import mask_name


def test_masking_keeps_initials_and_the_given_name():
    assert mask_name("Nguyễn Văn An") == "N. V. An"
    assert mask_name("  nguyễn   thị  Hà ") == "N. T. Hà"
    assert mask_name("Ánh") == "Ánh"
    assert mask_name("  ") == "" and mask_name(None) == ""


def test_the_qr_field_separator_never_survives():
    assert "|" not in mask_name("Lê|Văn|Cường") and mask_name("Lê|Văn|Cường") == "L. V. Cường"

"""The one masked form of a person's name, shown to venues and gates and printed in personal
QR codes. In core because the codes app signs it into personal QR codes and base apps must not
import ravao/people."""


def mask_phone(phone: str) -> str:
    """“+84905123456” -> “+84•••••••456”: enough to tell one's own number, not to call it."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    keep_head = 3 if phone.startswith("+") else 0
    return phone[:keep_head] + "•" * max(len(phone) - keep_head - 3, 0) + phone[-3:]


def mask_name(full_name: str) -> str:
    """“Nguyễn Văn An” -> “N. V. An”: enough for a guard to greet, not enough to identify.
    "|" (the personal QR's field separator) never survives."""
    words = (full_name or "").replace("|", " ").split()
    if not words:
        return ""
    return " ".join([w[0].upper() + "." for w in words[:-1]] + [words[-1]])

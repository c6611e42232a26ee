"""Numbers typed with Persian (۰–۹) or Arabic-Indic (٠–٩) digits, read as the ASCII digits they mean."""

ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def ascii_digits(value: str) -> str:
    return (value or "").translate(ASCII_DIGITS)

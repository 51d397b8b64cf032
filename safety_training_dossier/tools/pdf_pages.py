"""Page numbers stamped onto a rendered PDF.

wkhtmltopdf builds without patched Qt ignore HTML headers and footers, so the
dossier cannot rely on them for "page x / y". This module draws the numbers with
reportlab's built-in Helvetica (digits and "/" only: reportlab cannot embed the
CFF-based Noto CJK fonts) and merges them onto every page.
"""

import io

from reportlab.pdfgen import canvas

from odoo.tools.pdf import PdfFileReader, PdfFileWriter

FONT_NAME = "Helvetica"
FONT_SIZE = 9
BOTTOM_MARGIN_POINTS = 20


def _page_number_overlay(width, height, label):
    buffer = io.BytesIO()
    overlay = canvas.Canvas(buffer, pagesize=(width, height))
    overlay.setFont(FONT_NAME, FONT_SIZE)
    overlay.drawCentredString(width / 2, BOTTOM_MARGIN_POINTS, label)
    overlay.save()
    buffer.seek(0)
    return PdfFileReader(buffer).pages[0]


def stamp_page_numbers(pdf_content):
    """Return ``pdf_content`` (bytes) with "x / y" centred at the foot of every page."""
    reader = PdfFileReader(io.BytesIO(pdf_content))
    writer = PdfFileWriter()
    page_count = len(reader.pages)
    for index, page in enumerate(reader.pages):
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        page.merge_page(_page_number_overlay(width, height, f"{index + 1} / {page_count}"))
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

import io

from pypdf import PdfReader

from qmi.pdf import FONT_DIR, new_document


def test_the_shipped_font_and_its_licence_are_in_the_repository():
    assert (FONT_DIR / "DejaVuSans.ttf").is_file()
    assert (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (FONT_DIR / "LICENSE-DejaVu.txt").read_text()


def test_a_generated_document_keeps_french_characters():
    pdf = new_document()
    pdf.add_page()
    pdf.multi_cell(0, 6, "Règlement « QMI » d’Issy-les-Moulineaux : 45\u202f000 €, cœur")
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    assert "Règlement « QMI » d’Issy-les-Moulineaux" in text
    assert "€" in text and "cœur" in text

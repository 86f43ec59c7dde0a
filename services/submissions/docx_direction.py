"""Lay a Word document out right to left (Arabic, Urdu...): every paragraph bidi, every run rtl, tables mirrored."""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def _first_or_add(parent, tag: str):
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def _parts(document):
    """Yield the XML roots of the body and of every header and footer."""
    yield document.element.body
    # Through the relationships, as docxtpl does: it replaces the header and footer parts when it renders them.
    for rel in document.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            yield rel.target_part.element


def make_right_to_left(document, language: str) -> None:
    """Set w:bidi on every paragraph, w:rtl and the bidi language on every run, w:bidiVisual on every table."""
    for root in _parts(document):
        for paragraph in root.iter(qn("w:p")):
            properties = paragraph.get_or_add_pPr()
            if properties.find(qn("w:bidi")) is None:
                # w:bidi comes early in w:pPr (after the style and paragraph-level keeps); Word accepts it first
                # after pStyle, so it goes there.
                style = properties.find(qn("w:pStyle"))
                bidi = OxmlElement("w:bidi")
                if style is not None:
                    style.addnext(bidi)
                else:
                    properties.insert(0, bidi)
        for run in root.iter(qn("w:r")):
            properties = run.get_or_add_rPr()
            _first_or_add(properties, "w:rtl")
            _first_or_add(properties, "w:lang").set(qn("w:bidi"), language)
        for table in root.iter(qn("w:tbl")):
            _first_or_add(table.tblPr, "w:bidiVisual")

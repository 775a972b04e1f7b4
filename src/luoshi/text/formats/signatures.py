"""The first bytes that tell file formats apart, whatever the file is called."""

from __future__ import annotations

ZIP = b"PK\x03\x04"  # .docx (and every other Office Open XML file)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: encrypted .docx, legacy .doc
PDF = b"%PDF-"  # may follow some junk within the first 1024 bytes

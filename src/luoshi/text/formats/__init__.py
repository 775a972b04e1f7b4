"""Readers that turn office files and web pages into the plain text offsets refer to.

Each reader takes the file's bytes and its name (for error messages) and returns
plain text with one paragraph per line, or raises ``ReadError`` with a reason a
clerk can act on. ``luoshi.text.sources`` decides which reader a file needs.

    signatures.py   the first bytes of each format, for sources.sniff_format
    docx.py         Word 2007+ documents: paragraphs and table rows in body order
    pdf.py          PDF text layer (pypdfium2) -> positioned lines per page
    layout.py       the typical margins and line pitch of a PDF's body text
    running.py      page headers, footers and page numbers to drop
    reflow.py       wrapped PDF lines joined back into paragraphs
    html.py         saved web pages: charset, parsing, the article container
    blocks.py       an HTML element tree -> one line per block element
    boilerplate.py  navigation, copyright, licence and comment lines to drop
"""

"""Reading files, width folding, paragraphs, headings and stance: the text layer."""

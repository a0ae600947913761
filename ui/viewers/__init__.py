"""Evidence viewers of the evidence page: PDF (QtPdf), image (zoom, pan, EXIF), CSV table (over
the record-offset index) and text."""

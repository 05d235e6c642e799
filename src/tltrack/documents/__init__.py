"""Documents people receive: the bulletin (通报), built once and rendered as Markdown, HTML,
PDF, Word or a workbook, and the fill-in forms sent to each office. Imports app/, views/,
workspace/, domain/, files/, text/ and errors."""

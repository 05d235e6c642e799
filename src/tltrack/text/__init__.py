"""Words: message ids and their catalogs in each language, the language of a run, and text
made safe for the reader it goes to. Imports nothing else of tltrack."""

"""Class lists (the roster of pupils of each class, as the electronic journal exports it).

csvfile.py reads an exported CSV; model.py compares it with what is stored and says what an import
changes; matching.py tells whether a name a parent wrote is a pupil of the list. All pure.
"""

"""The rules of Minka, free of any messenger: Spanish dates with a flag for every guess,
announcing (durations, permissions, the one-line form), school search, what a school's life
is, reading MINEDU's registry, and reading coordinators' 3W spreadsheets (`activity_import`).
A web page or another messenger can use all of it.

May import: storage and the standard library. Never telegram, handlers or any other package
of bot/.
"""

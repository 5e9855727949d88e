"""MS Project in and out: .mpp, .mpx and MS Project XML files read through MPXJ (``docs/msproject.md``).

:mod:`.reader` runs MPXJ on a Java runtime in a child process with a time limit and hands back the
file's tasks as plain data; :mod:`.convert` turns them into the programme workbook's sheets, so the
workbook import checks them, previews them and writes them all or nothing.
"""

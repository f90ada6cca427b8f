"""Fact: offset pages shift when rows are inserted between two requests."""

# fmt: off
# --8<-- [start:demo]
newest_first = [105, 104, 103, 102, 101]  # task ids, newest first

page_1 = newest_first[0:2]  # ?limit=2&offset=0
newest_first.insert(0, 106)  # someone creates a task before page 2 is read
page_2 = newest_first[2:4]  # ?limit=2&offset=2
print(page_1, page_2)  # 104 is shown twice; with deletions, rows are skipped
#> [105, 104] [104, 103]
# --8<-- [end:demo]
# fmt: on

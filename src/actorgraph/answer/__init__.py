"""Answer: stored relations become answers to "What is the relationship between A and B?" (direct
claims, ranked paths, what is only asked or imagined, caveats about the sources, a worded summary)
and an outlet's attention over time."""

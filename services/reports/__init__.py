"""Reports by aggregation and counters, their tables, charts and downloads, list exports."""

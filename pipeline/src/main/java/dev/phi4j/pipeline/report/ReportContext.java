package dev.phi4j.pipeline.report;

/** What renderers share while a page is written: the report's data and the sample browser's record index. */
record ReportContext(RunReport report, RecordIndex records) {}

"""Manager reports (CRM-KAM-004 performance summary, VOC-60-001 voice of customer): pure computations
over plain records, rendered as CSV tables and an HTML page."""

"""監査 (audit): append-only, hash-chained logs of operations, reads, authentication, settings,
printing, errors and alerts.

One way in per capability: ``jichitai.audit.recording`` (record, record_read, record_alert,
record_system), ``jichitai.audit.reads`` (AuditedReadManager, load_for_read),
``jichitai.audit.search`` (search), ``jichitai.audit.verify`` (verify). Nothing here may update or
delete an entry. The event catalogue and the chain design are in docs/audit.md.
"""

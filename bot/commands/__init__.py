"""The shell commands `modbot check`, `modbot audit` and `modbot demo`, and
what only they use: they run offline, with no Slack connection and no
running bot. (Slack's slash commands are bot/services/slash_commands.py.)

    check.py            text against the policies, each finding explained
    audit.py            `modbot audit`: a workspace export, checked offline
    demo.py             the audit on the bundled sample export
    export_audit/       the export audit itself (reader, runner, report)
    sample_export/      the seeded generator behind bot/data/sample-export.zip
"""

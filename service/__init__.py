"""seekreel's service side: CLI, HTTP API, generation loop, validation, drafts, jobs, Slack.

Data flows one way: prompt → generation → validation → draft → sandbox → MP4.
"""

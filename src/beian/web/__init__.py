"""``beian web``: the review workbench (accounts, blind review queues, double review with
adjudication, agreement) served from the workspace's store."""

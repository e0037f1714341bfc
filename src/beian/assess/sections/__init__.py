"""Report sections: each builds clause conclusions (data, never formatting) from evidence."""

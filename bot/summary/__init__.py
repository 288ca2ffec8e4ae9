"""The summary for the young people: drafted from a digest or report (themes and counts,
never an answer's words), checked (reading age, the glossary, the platform's length limit,
no quotes), saved by staff, and posted to the group with /share-summary."""

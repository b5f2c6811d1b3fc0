// Filled in by the language-understanding work (issue 5).

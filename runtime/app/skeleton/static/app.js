// Your JavaScript for the pages of @NAME@: LiveView hooks and anything else the browser runs.
// liveactor includes static/app.js where it serves the app's static/ folder (docs/writing-views.md).

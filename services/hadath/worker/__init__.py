"""The streaming shell: a Faust app whose agent runs the pure record pipeline."""

"""Post-job hooks for render farms: each is a few lines that hand what the farm knows to
`mediaopt farm post-job`. They hold no logic, and they never fail the job they run after."""

"""kehoach: read Vietnamese provincial plans (Kế hoạch) at national scale."""
__version__ = "0.1.0"

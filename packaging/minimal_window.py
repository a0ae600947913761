"""The baseline of benchmarks/bench_startup.py: a minimal PySide6 main window, frozen the same
way as the app (packaging/baseline.spec)."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

if __name__ == "__main__":
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Minimal")
    window.setCentralWidget(QLabel("最小窗口 minimal window"))
    window.resize(1280, 800)
    window.show()
    sys.exit(app.exec())

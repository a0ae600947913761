"""A small second checklist (id ``mini-test``), to load side by side with miit-2024."""

from __future__ import annotations

import copy
from typing import Any

_LEVELS = {"1": "工具辅助", "2": "系统管理", "3": "系统协同", "4": "模型驱动"}

MINI: dict[str, Any] = {
    "format": "inspector-checklist",
    "format_version": "1",
    "id": "mini-test",
    "version": "0.1",
    "title": "测试用评测指标",
    "max_score": "10",
    "settings": {"flat_tolerance_pct": "5"},
    "dimensions": [
        {
            "id": "D1",
            "name": "基础",
            "name_en": "Foundation",
            "max_score": "10",
            "indicators": [
                {
                    "id": "D1.1",
                    "name": "网络",
                    "max_score": "10",
                    "sub_indicators": [
                        {
                            "id": "D1.1.1",
                            "name": "网络",
                            "max_score": "10",
                            "questions": [
                                {
                                    "id": "Q1",
                                    "name": "多选",
                                    "type": "multi",
                                    "max_score": "4",
                                    "zero_option": "A",
                                    "options": [
                                        {"letter": "A", "text": "无", "points": "0"},
                                        {"letter": "B", "text": "b", "points": "1.5"},
                                        {"letter": "C", "text": "c", "points": "2.5"},
                                    ],
                                },
                                {
                                    "id": "Q2",
                                    "name": "比例",
                                    "type": "single",
                                    "max_score": "6",
                                    "options": [
                                        {"letter": "A", "text": "[0-50%]", "points": "0"},
                                        {"letter": "B", "text": "(50%,100%]", "points": "6"},
                                    ],
                                    "figures": {
                                        "kind": "ratio",
                                        "keys": ["n", "d"],
                                        "numerator": "n",
                                        "denominator": "d",
                                        "description": "n ÷ d",
                                        "description_en": "n / d",
                                        "bands": [
                                            {"option": "A", "lower": "0", "lower_inclusive": True,
                                             "upper": "50", "upper_inclusive": True},
                                            {"option": "B", "lower": "50", "lower_inclusive": False,
                                             "upper": "100", "upper_inclusive": True},
                                        ],
                                    },
                                },
                            ],
                        }
                    ],
                }
            ],
        }
    ],
    "business": {
        "groups": [
            {
                "id": "G1",
                "name": "组",
                "scenes": [
                    {"id": "S1", "name": "甲", "constrained": True, "levels": _LEVELS},
                    {"id": "S2", "name": "乙", "constrained": False, "levels": _LEVELS},
                    {"id": "S3", "name": "丙", "constrained": True, "levels": _LEVELS},
                ],
            }
        ]
    },
    "levels": {
        "status": "test data",
        "thresholds": [
            {"level": 1, "name": "一", "min_score": "2", "min_scenes": 1,
             "min_constrained_scenes": 1},
            {"level": 2, "name": "二", "min_score": "5", "min_scenes": 2,
             "min_constrained_scenes": 1},
        ],
    },
}  # fmt: skip


def mini() -> dict[str, Any]:
    return copy.deepcopy(MINI)

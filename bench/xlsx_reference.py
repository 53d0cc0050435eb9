#!/usr/bin/env python3
"""The peer for cmplan's workbook: Python XlsxWriter writing the same Checklist sheet
(same columns, status validation, frozen header, autofilter) from cmplan's plan JSON.

usage: xlsx_reference.py PLAN.json OUT.xlsx
"""
import json
import sys

import xlsxwriter

HEADERS = ["#", "ID", "Phase", "Site", "Server", "Task", "Expected result", "Details",
           "Reference", "Depends on", "Status", "Owner", "Completed on", "Notes"]
STATUSES = ["Not started", "In progress", "Done", "Blocked", "Not applicable"]
WIDTHS = [5, 24, 16, 8, 16, 40, 40, 50, 30, 24, 14, 16, 14, 30]


def main(plan_path, out_path):
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    wb = xlsxwriter.Workbook(out_path)
    ws = wb.add_worksheet("Checklist")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    date = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    for col, (h, w) in enumerate(zip(HEADERS, WIDTHS)):
        ws.write_string(0, col, h, head)
        ws.set_column(col, col, w)
    row = 1
    for phase in plan["phases"]:
        for task in phase["tasks"]:
            ws.write_number(row, 0, row, wrap)
            ws.write_string(row, 1, task["id"], wrap)
            ws.write_string(row, 2, phase["title"], wrap)
            ws.write_string(row, 3, task.get("site") or "", wrap)
            ws.write_string(row, 4, task.get("server") or "", wrap)
            ws.write_string(row, 5, task["title"], wrap)
            ws.write_string(row, 6, task["expected_result"], wrap)
            ws.write_string(row, 7, task["details"], wrap)
            ws.write_string(row, 8, task["reference"], wrap)
            ws.write_string(row, 9, ", ".join(task["depends_on"]), wrap)
            ws.write_string(row, 10, "Not started", wrap)
            ws.write_blank(row, 11, None, wrap)
            ws.write_blank(row, 12, None, date)
            ws.write_blank(row, 13, None, wrap)
            row += 1
    last = max(row - 1, 1)
    ws.data_validation(1, 10, last, 10, {"validate": "list", "source": STATUSES})
    ws.data_validation(1, 12, last, 12, {"validate": "date", "criteria": ">=",
                                         "minimum": __import__("datetime").date(2000, 1, 1)})
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(HEADERS) - 1)
    wb.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

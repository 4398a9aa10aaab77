"""Dashboard charts as PNG: matplotlib's Agg canvas, the CJK font of CJK_FONT, zh-CN labels.

No pyplot: its global figure manager is not for servers. Each chart is its own Figure drawn on
its own Agg canvas; the drawing itself is serialised because matplotlib is not thread-safe.
"""
import io
import threading
from decimal import Decimal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

SIZE = (8, 4.5)                 # inches: 800×450 pixels at DPI
DPI = 100
OVERDUE, DUE_SOON, ON_TIME = "#d9534f", "#f0ad4e", "#4a7ebb"
_lock = threading.Lock()


def _font(path: str, size: float) -> FontProperties:
    return FontProperties(fname=path, size=size)


def _figure(title: str, region_name: str, font_path: str):
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(f"{region_name} · {title}", fontproperties=_font(font_path, 14))
    return figure, figure.add_subplot()


def _no_data(axes, font_path: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", color="#666666", transform=axes.transAxes,
              fontproperties=_font(font_path, 24))


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _label_ticks(labels, font_path: str) -> None:
    for label in labels:
        label.set_fontproperties(_font(font_path, 10))


def open_cases_chart(rows: list[dict], *, by: str, region_name: str, due_within: int, font_path: str) -> bytes:
    """Horizontal bars, one per stage (by="stages") or type: overdue, due soon, the rest."""
    title = "在办案件（按环节）" if by == "stages" else "在办案件（按救助类型）"
    with _lock:
        figure, axes = _figure(title, region_name, font_path)
        if not any(row["count"] for row in rows):
            _no_data(axes, font_path)
            return _png(figure)
        rows = list(reversed(rows))          # the first stage at the top
        labels = [row["label"] for row in rows]
        overdue = [row["overdue"] for row in rows]
        soon = [row["due_soon"] for row in rows]
        rest = [row["count"] - row["overdue"] - row["due_soon"] for row in rows]
        axes.barh(labels, overdue, color=OVERDUE, label="已超期")
        axes.barh(labels, soon, left=overdue, color=DUE_SOON, label=f"{due_within}个工作日内到期")
        axes.barh(labels, rest, left=[a + b for a, b in zip(overdue, soon)], color=ON_TIME, label="其他")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max(row["count"] for row in rows) * 1.35)   # room on the right for the legend
        axes.set_xlabel("案件数", fontproperties=_font(font_path, 11))
        _label_ticks(axes.get_yticklabels(), font_path)
        axes.legend(prop=_font(font_path, 10), loc="lower right")
        figure.tight_layout()
        return _png(figure)


def monthly_chart(rows: list[dict], *, region_name: str, font_path: str) -> bytes:
    """Approvals per month (bars) and the monthly amounts they granted (a line, right axis)."""
    with _lock:
        figure, axes = _figure("近12个月批准情况", region_name, font_path)
        if not any(row["approvals"] for row in rows):
            _no_data(axes, font_path)
            return _png(figure)
        labels = [f"{row['month'][2:4]}年{int(row['month'][5:])}月" for row in rows]
        counts, yuan = [row["approvals"] for row in rows], [float(Decimal(row["amount"])) for row in rows]
        axes.bar(labels, counts, color=ON_TIME, label="批准户数")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("批准户数", fontproperties=_font(font_path, 11))
        amounts = axes.twinx()
        amounts.plot(labels, yuan, color=OVERDUE, marker="o", label="月保障金额（元）")
        amounts.set_ylabel("月保障金额（元）", fontproperties=_font(font_path, 11))
        # A quarter of headroom above the highest bar and point keeps the legend off them.
        axes.set_ylim(0, max(counts) * 1.3)
        amounts.set_ylim(0, max(max(yuan), 1) * 1.3)
        _label_ticks(axes.get_xticklabels(), font_path)
        axes.tick_params(axis="x", labelrotation=45)
        bars, line = axes.get_legend_handles_labels(), amounts.get_legend_handles_labels()
        axes.legend(bars[0] + line[0], bars[1] + line[1], prop=_font(font_path, 10), loc="upper left")
        figure.tight_layout()
        return _png(figure)

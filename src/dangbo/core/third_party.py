"""Libraries' apps under Vietnamese names: what the admin lists of them is read by users too.

The libraries ship English names (and no Vietnamese translation): the admin's index showed
"AXES" and "Task Results". ``INSTALLED_APPS`` names these configurations instead of the
libraries' own; they keep each app's name and label, so tables and migrations are the same,
and give the app, its models and the fields the admin shows Vietnamese names.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig

# model name -> (verbose name, plural, {field: verbose name})
_ACCESS_FIELDS = {
    "user_agent": "trình duyệt", "ip_address": "địa chỉ IP", "username": "tên đăng nhập",
    "http_accept": "kiểu nội dung chấp nhận", "path_info": "đường dẫn",
    "attempt_time": "thời điểm",
}  # fmt: skip
AXES_NAMES = {
    "accessattempt": ("lần đăng nhập sai", "các lần đăng nhập sai", {
        **_ACCESS_FIELDS, "get_data": "dữ liệu truy vấn", "post_data": "dữ liệu gửi lên",
        "failures_since_start": "số lần sai",
    }),
    "accessfailurelog": ("nhật ký đăng nhập sai", "nhật ký đăng nhập sai", {
        **_ACCESS_FIELDS, "locked_out": "bị khóa",
    }),
    "accesslog": ("nhật ký đăng nhập", "nhật ký đăng nhập", {
        **_ACCESS_FIELDS, "logout_time": "thời điểm đăng xuất", "session_hash": "mã phiên",
    }),
    "accessattemptexpiration": ("hạn khóa đăng nhập", "hạn khóa đăng nhập", {
        "access_attempt": "lần đăng nhập sai", "expires_at": "hết hạn lúc",
    }),
}  # fmt: skip
TASK_NAMES = {
    "dbtaskresult": ("kết quả tác vụ chạy nền", "kết quả tác vụ chạy nền", {
        "status": "trạng thái", "enqueued_at": "thời điểm xếp hàng",
        "started_at": "thời điểm bắt đầu", "finished_at": "thời điểm kết thúc",
        "args_kwargs": "tham số", "priority": "độ ưu tiên", "task_path": "tác vụ",
        "worker_ids": "tiến trình chạy", "queue_name": "hàng đợi", "backend_name": "bộ xử lý",
        "run_after": "chạy sau thời điểm", "return_value": "kết quả",
        "exception_class_path": "loại lỗi", "traceback": "chi tiết lỗi",
    }),
}  # fmt: skip


def _rename(app_config, names: dict) -> None:
    for model in app_config.get_models():
        entry = names.get(model._meta.model_name)
        if entry is None:
            continue
        singular, plural, fields = entry
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
        for field in model._meta.fields:
            if field.name in fields:
                field.verbose_name = fields[field.name]


class AxesConfig(AxesAppConfig):
    verbose_name = "Theo dõi đăng nhập"

    def ready(self) -> None:
        super().ready()
        _rename(self, AXES_NAMES)


class TasksDbConfig(TasksAppConfig):
    verbose_name = "Tác vụ chạy nền"

    def ready(self) -> None:
        super().ready()
        _rename(self, TASK_NAMES)

"""Background tasks (django-tasks): the same code runs under the database worker or, in tests, immediately."""

from django_tasks import task


@task()
def render_labels_job(job_id: int) -> None:
    from .label_sheets import run_label_job

    run_label_job(job_id)


@task()
def build_attachments_job(job_id: int) -> None:
    from .annual_attachments import run_attachments_job

    run_attachments_job(job_id)

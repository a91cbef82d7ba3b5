"""Review of indefinite requirements (ss.91A–91F): the supervisors' queue, a person's reviews,
opening a review and deciding it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cases import audit
from cases.access import access_case
from cases.models import AuditAction, Role
from cases.views.nominal import case_context
from notifications import reviews
from notifications.forms_reviews import ReviewDecideForm, ReviewOpenForm, ReviewQueueFilterForm
from notifications.models import IndefiniteReview, ReviewStage
from rsom.views import permission_needed, role_required

PAGE_SIZE = 50
DECIDES = reviews.DECIDE_PERMISSION


@role_required(Role.SUPERVISOR)
def review_queue(request):
    on = timezone.localdate()
    form = ReviewQueueFilterForm(request.GET or None)
    rows = reviews.review_queue(request.user, on)
    sort = "policy"
    if form.is_valid():
        if form.cleaned_data["stage"]:
            rows = rows.filter(queue_stage__in=form.cleaned_data["stage"])
        sort = form.cleaned_data["sort"] or sort
    page = Paginator(reviews.queue_sorted(rows, sort), PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [reviews.queue_row(n, on=on) for n in page.object_list]
    audit.record(actor=request.user, action=AuditAction.VIEW, description="Indefinite review queue")
    return render(
        request,
        "notifications/review_queue.html",
        {"page": page, "entries": entries, "form": form, "sort": sort, "today": on},
    )


@login_required
def review_list(request, pk):
    nominal = access_case(request.user, pk)
    state = reviews.review_state(nominal, on=timezone.localdate())
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=nominal,
        description="Indefinite reviews",
    )
    can_decide = nominal.can_edit and request.user.has_perm(DECIDES)
    return render(
        request,
        "notifications/review_list.html",
        {
            **case_context(request, nominal, "register"),
            "state": state,
            "history": [(r, reviews.appeal_deadline(r)) for r in state.reviews],
            "can_decide": can_decide,
        },
    )


@permission_needed(DECIDES)
def review_open(request, pk):
    nominal = access_case(request.user, pk, write=True)
    state = reviews.review_state(nominal, on=timezone.localdate())
    if state.open_review is not None:
        messages.info(request, "A review is already open for this person")
        return redirect("notifications:review-decide", review_id=state.open_review.pk)
    form = ReviewOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review, created = reviews.review_open(
                acting_user=request.user,
                nominal=nominal,
                application_received_on=form.cleaned_data["application_received_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if created:
                messages.success(request, "Review opened")
            return redirect("notifications:review-decide", review_id=review.pk)
    if request.method != "POST":
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Open an indefinite review",
        )
    return render(
        request,
        "notifications/review_open.html",
        {**case_context(request, nominal, "register"), "state": state, "form": form},
    )


@permission_needed(DECIDES)
def review_decide(request, review_id):
    review = get_object_or_404(IndefiniteReview.objects.only("pk", "nominal_id"), pk=review_id)
    nominal = access_case(request.user, review.nominal_id, write=True)
    review = IndefiniteReview.objects.select_related("opened_by", "decided_by").get(pk=review.pk)
    if request.method == "POST" and request.POST.get("action") == "start":
        _, started = reviews.review_start(acting_user=request.user, review=review)
        if started:
            messages.success(request, "Review under way")
        return redirect("notifications:review-decide", review_id=review.pk)
    if request.method == "POST" and review.stage == ReviewStage.DECIDED:
        messages.info(request, "This review has already been decided")
        return redirect("notifications:review-list", pk=nominal.pk)
    form = ReviewDecideForm(
        request.POST if request.method == "POST" else None,
        default_years=nominal.force.further_review_years,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                _, decided = reviews.review_decide(
                    acting_user=request.user, review=review, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if decided:
                    messages.success(request, "Decision recorded")
                else:
                    messages.info(request, "This review has already been decided")
                return redirect("notifications:review-list", pk=nominal.pk)
    else:
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="Indefinite review",
        )
    return render(
        request,
        "notifications/review_decide.html",
        {
            **case_context(request, nominal, "register"),
            "review": review,
            "state": reviews.review_state(nominal, on=timezone.localdate()),
            "form": form,
            "appeal_by": reviews.appeal_deadline(review),
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's rule error on the field it concerns, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)

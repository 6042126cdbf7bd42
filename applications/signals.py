"""Changes made outside the review services (the admin, a criterion's weight) keep
the maintained scores right."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from applications.models import Review
from applications.services.scores import refresh_call_scores, refresh_scores
from calls.models import Criterion


@receiver([post_save, post_delete], sender=Criterion)
def criterion_changed(sender, instance, **kwargs):
    refresh_call_scores(instance.call_id)


@receiver(post_delete, sender=Review)
def review_deleted(sender, instance, **kwargs):
    refresh_scores([instance.target_id])

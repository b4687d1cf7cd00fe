# Exchange rates record where they came from and who wrote them (rows before this: system, unattributed); held-back rates.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_historicalvehiclemodel_change_cutoff_days_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='fxrate',
            name='actor_kind',
            field=models.CharField(choices=[('user', 'user'), ('dealer_key', 'dealer integration key'), ('partner_key', 'partner key'), ('system', 'system')], default='system', max_length=20, verbose_name='actor kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='fxrate',
            name='actor_label',
            field=models.CharField(default='unattributed', max_length=300, verbose_name='actor name'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='fxrate',
            name='actor_ref',
            field=models.CharField(default='unattributed', max_length=150, verbose_name='actor'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='fxrate',
            name='actor_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acting user'),
        ),
        migrations.AddField(
            model_name='fxrate',
            name='fetched_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='fetched at'),
        ),
        migrations.AddField(
            model_name='fxrate',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, verbose_name='source address'),
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='actor_kind',
            field=models.CharField(choices=[('user', 'user'), ('dealer_key', 'dealer integration key'), ('partner_key', 'partner key'), ('system', 'system')], default='system', max_length=20, verbose_name='actor kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='actor_label',
            field=models.CharField(default='unattributed', max_length=300, verbose_name='actor name'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='actor_ref',
            field=models.CharField(default='unattributed', max_length=150, verbose_name='actor'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='actor_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acting user'),
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='fetched_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='fetched at'),
        ),
        migrations.AddField(
            model_name='historicalfxrate',
            name='source_url',
            field=models.URLField(blank=True, max_length=500, verbose_name='source address'),
        ),
        migrations.CreateModel(
            name='FxRateConflict',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('actor_kind', models.CharField(choices=[('user', 'user'), ('dealer_key', 'dealer integration key'), ('partner_key', 'partner key'), ('system', 'system')], max_length=20, verbose_name='actor kind')),
                ('actor_ref', models.CharField(max_length=150, verbose_name='actor')),
                ('actor_label', models.CharField(max_length=300, verbose_name='actor name')),
                ('kind', models.CharField(choices=[('changed', 'a different rate for a date already recorded'), ('jump', 'too far from the previous rate')], max_length=20, verbose_name='kind')),
                ('status', models.CharField(choices=[('open', 'open'), ('accepted', 'accepted'), ('dismissed', 'dismissed')], default='open', max_length=20, verbose_name='status')),
                ('rate_date', models.DateField(verbose_name='rate date')),
                ('base_currency', models.CharField(default='USD', max_length=3, verbose_name='base currency')),
                ('quote_currency', models.CharField(default='JPY', max_length=3, verbose_name='quote currency')),
                ('offered_rate', models.DecimalField(decimal_places=4, max_digits=12, verbose_name='offered rate')),
                ('current_rate', models.DecimalField(blank=True, decimal_places=4, max_digits=12, null=True, verbose_name='rate it would replace or follow')),
                ('current_rate_date', models.DateField(blank=True, null=True, verbose_name='date of that rate')),
                ('source', models.CharField(max_length=100, verbose_name='source')),
                ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source address')),
                ('fetched_at', models.DateTimeField(verbose_name='fetched at')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                ('resolved_by_ref', models.CharField(blank=True, max_length=150, verbose_name='resolved by')),
                ('resolved_by_label', models.CharField(blank=True, max_length=300, verbose_name='resolved by (name)')),
                ('actor_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acting user')),
            ],
            options={
                'verbose_name': 'held-back exchange rate',
                'verbose_name_plural': 'held-back exchange rates',
                'ordering': ('-rate_date', '-created_at'),
                'indexes': [models.Index(fields=['status', '-rate_date'], name='catalog_fxconflict_status')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('rate_date', 'base_currency', 'quote_currency', 'offered_rate'), name='catalog_fxrateconflict_one_open_per_offer')],
            },
        ),
    ]

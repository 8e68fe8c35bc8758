from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: Certificates are a few hundred kilobytes; anything far larger cannot be one of ours.
MAX_VERIFY_BYTES = 20 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The file is compared byte for byte with the certificates on record."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; a certificate is much smaller.")
                % {"limit": filesizeformat(MAX_VERIFY_BYTES)}
            )
        return upload

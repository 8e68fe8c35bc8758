"""Pages of certificates, labels and the registry: the public ones and the secretariat's."""

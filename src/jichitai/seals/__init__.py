"""印鑑登録: seal impressions registered for residents, their 印鑑登録証 and the change log."""

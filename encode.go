package pinterest

import "github.com/capisdk/pinterest/internal/jsonw"

// fields of Pinterest's schema, zero values left out.
func (e *Event) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, 1024)), nil
}

// AppendJSON appends the event's wire JSON, as MarshalJSON returns it, to dst.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"event_name":`...)
	dst = jsonw.String(dst, string(e.name))
	dst = append(dst, `,"action_source":`...)
	dst = jsonw.String(dst, string(e.source))
	dst = append(dst, `,"event_time":`...)
	dst = jsonw.Int(dst, e.time)
	dst = append(dst, `,"event_id":`...)
	dst = jsonw.String(dst, e.id)
	dst = appendStr(dst, "event_source_url", e.url)
	dst = appendTri(dst, "opt_out", e.optOut)
	dst = appendStr(dst, "partner_name", e.partnerName)
	if l := e.legacy; l != nil {
		dst = appendStr(dst, "app_id", l.appID)
		dst = appendStr(dst, "app_name", l.appName)
		dst = appendStr(dst, "app_version", l.appVersion)
		dst = appendStr(dst, "device_brand", l.devBrand)
		dst = appendStr(dst, "device_carrier", l.devCarrier)
		dst = appendStr(dst, "device_model", l.devModel)
		dst = appendStr(dst, "device_type", l.devType)
		dst = appendStr(dst, "os_version", l.osV)
	}
	dst = appendTri(dst, "wifi", e.wifi)
	dst = appendTri(dst, "advertiser_tracking_enabled", e.advTracking)
	dst = appendStr(dst, "language", e.language)
	dst = append(dst, `,"user_data":`...)
	dst = e.user.AppendJSON(dst)
	if e.hasCustom {
		dst = append(dst, `,"custom_data":`...)
		dst = e.custom.appendJSON(dst)
	}
	if e.appInfo != nil {
		dst = append(dst, `,"app_info":`...)
		dst = e.appInfo.appendJSON(dst)
	}
	if e.deviceInfo != nil {
		dst = append(dst, `,"device_info":`...)
		dst = e.deviceInfo.appendJSON(dst)
	}
	return append(dst, '}')
}

// appendStr appends ,"key":"v" when v is not empty.
func appendStr(dst []byte, key, v string) []byte {
	if v == "" {
		return dst
	}
	dst = jsonw.Key(dst, key, false)
	return jsonw.String(dst, v)
}

func appendTri(dst []byte, key string, v int8) []byte {
	if v == 0 {
		return dst
	}
	dst = jsonw.Key(dst, key, false)
	return jsonw.Bool(dst, v == 2)
}

// appendNum appends ,"key":n when n is not zero.
func appendNum(dst []byte, key string, n int64) []byte {
	if n == 0 {
		return dst
	}
	dst = jsonw.Key(dst, key, false)
	return jsonw.Int(dst, n)
}

// object appends the members written by fill (each with a leading comma) as a
// JSON object.
func object(dst []byte, fill func([]byte) []byte) []byte {
	start := len(dst)
	dst = fill(append(dst, '{'))
	if len(dst) > start+1 { // drop the first member's leading comma
		dst = append(dst[:start+1], dst[start+2:]...)
	}
	return append(dst, '}')
}

func appendStrings(dst []byte, key string, vs []string) []byte {
	if len(vs) == 0 {
		return dst
	}
	dst = jsonw.Key(dst, key, false)
	dst = append(dst, '[')
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonw.String(dst, v)
	}
	return append(dst, ']')
}

func (c *CustomData) appendJSON(dst []byte) []byte {
	return object(dst, func(dst []byte) []byte {
		dst = appendStr(dst, "currency", c.Currency)
		dst = appendStr(dst, "value", c.Value)
		dst = appendStrings(dst, "content_ids", c.ContentIDs)
		if len(c.Contents) > 0 {
			dst = append(dst, `,"contents":[`...)
			for i := range c.Contents {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = c.Contents[i].appendJSON(dst)
			}
			dst = append(dst, ']')
		}
		dst = appendNum(dst, "num_items", c.NumItems)
		dst = appendStr(dst, "order_id", c.OrderID)
		dst = appendStr(dst, "search_string", c.SearchString)
		dst = appendStr(dst, "content_name", c.ContentName)
		dst = appendStr(dst, "content_category", c.ContentCategory)
		dst = appendStr(dst, "content_brand", c.ContentBrand)
		dst = appendStr(dst, "opt_out_type", c.OptOutType)
		dst = appendStr(dst, "predicted_ltv", c.PredictedLTV)
		dst = appendStr(dst, "np", c.NP)
		dst = appendStr(dst, "external_measurement_id", c.ExternalMeasurementID)
		return appendNum(dst, "external_measurement_vendor_id", c.ExternalMeasurementVendorID)
	})
}

func (it *Content) appendJSON(dst []byte) []byte {
	return object(dst, func(dst []byte) []byte {
		dst = appendStr(dst, "id", it.ID)
		dst = appendStr(dst, "item_price", it.ItemPrice)
		dst = appendNum(dst, "quantity", it.Quantity)
		dst = appendStr(dst, "item_name", it.ItemName)
		dst = appendStr(dst, "item_category", it.ItemCategory)
		dst = appendStr(dst, "item_brand", it.ItemBrand)
		return appendStr(dst, "item_brand_id", it.ItemBrandID)
	})
}

func (a *AppInfo) appendJSON(dst []byte) []byte {
	return object(dst, func(dst []byte) []byte {
		dst = appendStr(dst, "app_id", a.AppID)
		dst = appendStr(dst, "app_name", a.AppName)
		dst = appendStr(dst, "app_package_name", a.AppPackageName)
		dst = appendStr(dst, "app_store", a.AppStore)
		dst = appendStr(dst, "app_version", a.AppVersion)
		if !a.InstallTime.IsZero() {
			dst = appendNum(dst, "install_time", a.InstallTime.Unix())
		}
		dst = appendStr(dst, "user_agent", a.UserAgent)
		dst = appendNum(dst, "window_height", int64(a.WindowHeight))
		return appendNum(dst, "window_width", int64(a.WindowWidth))
	})
}

func (d *DeviceInfo) appendJSON(dst []byte) []byte {
	return object(dst, func(dst []byte) []byte {
		dst = appendNum(dst, "battery_level", int64(d.BatteryLevel))
		dst = appendStr(dst, "brand", d.Brand)
		dst = appendStr(dst, "carrier", d.Carrier)
		dst = appendNum(dst, "cpu_cores", int64(d.CPUCores))
		dst = appendNum(dst, "external_storage_free_space", int64(d.ExternalStorageFreeSpace))
		dst = appendNum(dst, "external_storage_size", int64(d.ExternalStorageSize))
		dst = appendStr(dst, "form_factor", d.FormFactor)
		dst = appendStr(dst, "kernel_version", d.KernelVersion)
		dst = appendStrings(dst, "languages", d.Languages)
		dst = appendStr(dst, "locale", d.Locale)
		dst = appendStr(dst, "model", d.Model)
		dst = appendStr(dst, "network_type", d.NetworkType)
		dst = appendStr(dst, "os_family", d.OSFamily)
		dst = appendStr(dst, "os_name", d.OSName)
		dst = appendStr(dst, "os_release_name", d.OSReleaseName)
		dst = appendStr(dst, "os_version", d.OSVersion)
		dst = appendNum(dst, "screen_density", int64(d.ScreenDensity))
		dst = appendNum(dst, "screen_height", int64(d.ScreenHeight))
		dst = appendNum(dst, "screen_width", int64(d.ScreenWidth))
		dst = appendNum(dst, "storage_free_space", int64(d.StorageFreeSpace))
		dst = appendNum(dst, "storage_size", int64(d.StorageSize))
		dst = appendStr(dst, "timezone", d.Timezone)
		dst = appendStr(dst, "timezone_abbr", d.TimezoneAbbr)
		return appendStr(dst, "type", d.Type)
	})
}
